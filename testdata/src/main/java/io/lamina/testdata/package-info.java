/**
 * Deterministic generators of container image layers and images with every hard case, for the
 * tests of every lamina module. Depends on nothing of ours.
 *
 * <ul>
 *   <li>{@link io.lamina.testdata.LayerSpec} (built with {@link io.lamina.testdata.LayerSpec#builder()})
 *       models one layer as sorted {@link io.lamina.testdata.Entry entries}; file bytes are
 *       {@link io.lamina.testdata.Content} (literal, seeded, or sparse).</li>
 *   <li>{@link io.lamina.testdata.LayerTar} writes a layer as an OCI layer tar (pax, optionally
 *       gzip or zstd: {@link io.lamina.testdata.Compression}).</li>
 *   <li>{@link io.lamina.testdata.OverlayDirs} writes layers as directories in the kernel
 *       overlayfs format (needs root).</li>
 *   <li>{@link io.lamina.testdata.OciImages} writes an {@link io.lamina.testdata.ImageSpec} as an
 *       OCI image layout, an oci-archive or a docker-archive, returning a
 *       {@link io.lamina.testdata.WrittenImage} with every digest.</li>
 *   <li>{@link io.lamina.testdata.Examples} has the ready-made images {@code demoStack()},
 *       {@code tricky()} and {@code busybox()}; {@link io.lamina.testdata.Generate} writes them
 *       from the command line ({@code bin/testdata-generate}).</li>
 * </ul>
 *
 * <p>Determinism: equal inputs give byte-identical output — sorted entries, fixed times, our own
 * tar writer, a gzip header without name or mtime, zstd at a fixed level, JSON in a fixed order,
 * and a content generator (SplitMix64) that does not depend on the JDK.
 */
package io.lamina.testdata;
