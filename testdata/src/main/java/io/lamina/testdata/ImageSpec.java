package io.lamina.testdata;

import java.util.List;

/**
 * An image: its layers (bottom first), its config and the reference it is tagged with.
 *
 * @param reference {@code repository:tag}, e.g. {@code lamina/demo:latest}
 * @param config    the image config
 * @param layers    layers, lowest first
 */
public record ImageSpec(String reference, ImageConfig config, List<LayerSpec> layers) {

    public ImageSpec {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one layer");
        }
        int colon = reference.lastIndexOf(':');
        if (colon <= 0 || colon < reference.lastIndexOf('/') || colon == reference.length() - 1) {
            throw new IllegalArgumentException("reference must be repository:tag, got '" + reference + "'");
        }
    }

    /** The image with these layers, lowest first. */
    public static ImageSpec of(String reference, ImageConfig config, LayerSpec... layers) {
        return new ImageSpec(reference, config, List.of(layers));
    }

    /** The part of the reference before the tag. */
    public String repository() {
        return reference.substring(0, reference.lastIndexOf(':'));
    }

    /** The tag. */
    public String tag() {
        return reference.substring(reference.lastIndexOf(':') + 1);
    }
}
