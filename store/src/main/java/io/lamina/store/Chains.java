package io.lamina.store;

import io.lamina.fs.LowerLayer;

import java.util.List;

/** Opens chain indexes (building them once) and shares them within this process. */
final class Chains implements AutoCloseable {

    private final Store store;

    Chains(Store store) {
        this.store = store;
    }

    LowerLayer open(List<String> diffIdsBottomFirst) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
