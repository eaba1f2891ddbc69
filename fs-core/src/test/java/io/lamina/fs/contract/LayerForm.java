package io.lamina.fs.contract;

/**
 * How lower layers mark deletions. OVERLAY: the kernel's on-disk format (whiteout = char device
 * 0/0, opaque = xattr trusted.overlay.opaque=y, redirect = trusted.overlay.redirect). OCI: the
 * image-layer format ({@code .wh.<name>} files, a {@code .wh..wh..opq} marker; no redirects, a
 * renamed directory is a full opaque copy).
 */
public enum LayerForm {
    OVERLAY, OCI;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
