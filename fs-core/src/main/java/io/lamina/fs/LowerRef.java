package io.lamina.fs;

/** An entry of a lower layer: the layer and the entry's path relative to the layer root ("" for the root). */
record LowerRef(Layer layer, String path) {
}
