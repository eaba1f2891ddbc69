package io.lamina.fs.contract;

import java.nio.file.Path;
import java.util.List;

/**
 * One built stack of lower layers, top first. {@code laminaLowers} are in {@code form};
 * {@code overlayLowers} are the same tree in overlay form, which is what the kernel reads (they are
 * the same directories when the form is OVERLAY).
 */
public record LayerStack(int depth, LayerForm form, List<Path> laminaLowers, List<Path> overlayLowers) {

    public LayerStack {
        laminaLowers = List.copyOf(laminaLowers);
        overlayLowers = List.copyOf(overlayLowers);
    }

    /** The lowers {@code target} should be given. */
    public List<Path> lowersFor(UnionTarget target) {
        return target.readsOciForm() ? laminaLowers : overlayLowers;
    }

    /** "depth2-overlay" style label for test names. */
    public String label() {
        return "depth" + depth + "-" + form.label();
    }
}
