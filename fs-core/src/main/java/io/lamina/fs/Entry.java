package io.lamina.fs;

/** A looked-up or created node: its NodeId (for the transport) and its attributes. */
public record Entry(long nodeId, Attr attr) {
}
