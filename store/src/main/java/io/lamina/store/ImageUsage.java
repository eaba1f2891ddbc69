package io.lamina.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of the object store each image uses, and how much of that other images use too: the
 * SIZE and SHARED columns of {@code lamina image ls}. Sizes count each object (file content) once
 * per image, whatever the number of its names and layers, and ignore metadata.
 */
public final class ImageUsage {

    /**
     * @param size   bytes of the distinct objects its layers reference
     * @param shared the part of {@code size} that at least one other image also references
     */
    public record Usage(long size, long shared) {
    }

    private ImageUsage() {
    }

    /** Usage of each image of {@code images}, by name, in the order given. */
    public static Map<String, Usage> of(Store store, List<ImageRecord> images) {
        Map<String, Map<String, Long>> objectsByLayer = new HashMap<>();
        Map<String, Map<String, Long>> objectsByImage = new LinkedHashMap<>();
        Map<String, Integer> imagesPerObject = new HashMap<>();
        for (ImageRecord r : images) {
            Map<String, Long> objects = new HashMap<>();
            for (String d : r.diffIds()) {
                objects.putAll(objectsByLayer.computeIfAbsent(d, k -> objectsOf(store, k)));
            }
            objectsByImage.put(r.name(), objects);
            objects.keySet().forEach(o -> imagesPerObject.merge(o, 1, Integer::sum));
        }
        Map<String, Usage> out = new LinkedHashMap<>();
        objectsByImage.forEach((name, objects) -> {
            long size = 0, shared = 0;
            for (Map.Entry<String, Long> o : objects.entrySet()) {
                size += o.getValue();
                if (imagesPerObject.get(o.getKey()) > 1) {
                    shared += o.getValue();
                }
            }
            out.put(name, new Usage(size, shared));
        });
        return out;
    }

    private static Map<String, Long> objectsOf(Store store, String diffId) {
        Map<String, Long> out = new HashMap<>();
        if (store.layer(diffId).isEmpty()) {
            return out;
        }
        try (LayerIndex index = store.openIndex(diffId)) {
            for (int i = 0; i < index.size(); i++) {
                IndexEntry e = index.entry(i);
                if (e.kind() == EntryKind.REGULAR && e.digest() != null) {
                    out.put(e.digest(), e.size());
                }
            }
        }
        return out;
    }
}
