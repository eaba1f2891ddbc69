/**
 * The content-addressed store under one root directory ({@code --root}, default /var/lib/lamina).
 *
 * <pre>
 * blobs/sha256/HEX      layer blobs, configs and manifests as received, verified by sha256
 * objects/HH/HEX        each regular file's content once, named by its sha256
 * layers/HEX/index      a layer's metadata index (immutable, memory-mapped), HEX = its diff-id
 * chains/HEX.cm         a chain's flattened index (Chronicle Map), HEX = its OCI chain-id
 * meta/*.cm             Chronicle Map files: layer registry, images, reference counts
 * tmp/                  work in progress; renamed into place when complete, else removed by gc
 * </pre>
 *
 * <p>A layer index is our own binary format ({@code IndexFormat}): fixed-size records sorted by
 * path, parents before children, with a heap of names, link targets and xattrs; it is mapped, and
 * found by binary search. A chain index maps each visible path of the flattened stack to the layer
 * entry that answers it (and, for a directory, the layers whose listings merge into it); deleted
 * names are simply absent. An import is complete once its layer directory has been renamed into
 * {@code layers/} and registered in {@code meta/layers.cm}; its objects are moved into
 * {@code objects/} just before, so a registered layer always has its contents.
 *
 * <p>Terms: a <em>diff-id</em> is the sha256 of a layer's uncompressed tar ("sha256:HEX"); a
 * <em>chain-id</em> names a stack of layers (OCI image spec: chain(L1) = diff-id(L1),
 * chain(L1..Ln) = sha256(chain(L1..Ln-1) + " " + diff-id(Ln))).
 */
package io.lamina.store;
