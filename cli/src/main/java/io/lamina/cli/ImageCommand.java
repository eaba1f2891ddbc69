package io.lamina.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lamina.store.ImageExport;
import io.lamina.store.ImageImport;
import io.lamina.store.ImageRecord;
import io.lamina.store.ImageUsage;
import io.lamina.store.LayerCompression;
import io.lamina.store.LayerRecord;
import io.lamina.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lamina image}: import, list, inspect, remove and export the images of the store. */
@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Manages the images of the store (--root).",
        subcommands = {ImageCommand.Import.class, ImageCommand.Ls.class, ImageCommand.Inspect.class,
                ImageCommand.Rm.class, ImageCommand.Export.class})
final class ImageCommand implements Runnable {
    @ParentCommand
    Lamina lamina;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed (import, ls, inspect, rm, export)");
    }

    /** {@code lamina image import PATH [--name NAME]}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Imports an OCI image layout directory, an oci-archive or a docker-save tar",
                    "(layers plain, gzip or zstd), verifying every digest before the store takes it."})
    static final class Import implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;
        @Spec
        CommandSpec spec;
        @Option(names = "--name", paramLabel = "NAME", description = "Record the image under NAME (default: the name the image carries).")
        String name;
        @Parameters(paramLabel = "PATH")
        Path path;

        @Override
        public Integer call() {
            ImageRecord r = StoreAccess.withImages(image.lamina.root(),
                    images -> ImageImport.run(images, path, name, ProgressBar.forTerminal()));
            spec.commandLine().getOut().println("imported " + r.name() + " " + r.shortId() + " (" + r.layers().size() + " layers)");
            return 0;
        }
    }

    /** {@code lamina image ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = {"Lists the images: name, id, layers, size of their file contents, and the part",
                    "of it shared with other images (stored once)."})
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StoreAccess.withImages(image.lamina.root(), images -> {
                List<ImageRecord> all = images.list();
                Map<String, ImageUsage.Usage> usage = ImageUsage.of(images.store(), all);
                int w = Math.max(4, all.stream().mapToInt(r -> r.name().length()).max().orElse(0));
                String fmt = "%-" + w + "s  %-12s  %6s  %10s  %10s%n";
                out.printf(fmt, "NAME", "ID", "LAYERS", "SIZE", "SHARED");
                for (ImageRecord r : all) {
                    ImageUsage.Usage u = usage.get(r.name());
                    out.printf(fmt, r.name(), r.shortId(), r.layers().size(), StoreAccess.human(u.size()), StoreAccess.human(u.shared()));
                }
                return null;
            });
            out.flush();
            return 0;
        }
    }

    /** {@code lamina image inspect NAME}. */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Prints an image as JSON: name, id, digests, layers with diff-ids and sizes, config.")
    static final class Inspect implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        @ParentCommand
        ImageCommand image;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "A name, or a unique prefix of an id.")
        String name;

        @Override
        public Integer call() throws IOException {
            ObjectNode doc = StoreAccess.withImages(image.lamina.root(), images -> {
                ImageRecord r = images.require(name);
                ObjectNode o = JSON.createObjectNode();
                o.put("name", r.name());
                o.put("id", r.id());
                o.put("configDigest", r.configDigest());
                o.put("created", r.created().toString());
                ArrayNode layers = o.putArray("layers");
                for (ImageRecord.Layer l : r.layers()) {
                    ObjectNode n = layers.addObject();
                    n.put("diffId", l.diffId());
                    n.put("digest", l.blobDigest());
                    n.put("mediaType", l.mediaType());
                    n.put("compression", l.compression());
                    n.put("size", l.blobSize());
                    n.put("tarSize", l.tarSize());
                    images.store().layer(l.diffId()).ifPresent((LayerRecord lr) -> {
                        n.put("entries", lr.entries());
                        n.put("contentBytes", lr.contentBytes());
                    });
                    n.put("refCount", images.refCount(l.diffId()));
                }
                try {
                    o.set("config", JSON.readTree(r.configJson()));
                } catch (IOException e) {
                    throw new StoreException("image '" + r.name() + "': config is not JSON", e);
                }
                return o;
            });
            spec.commandLine().getOut().println(JSON.writeValueAsString(doc));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code lamina image rm NAME}. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Removes an image's name; its layers, blobs and file contents stay until",
                    "`lamina gc` finds nothing else uses them."})
    static final class Rm implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", description = "A name, or a unique prefix of an id.")
        String name;

        @Override
        public Integer call() {
            ImageRecord r = StoreAccess.withImages(image.lamina.root(), images -> {
                ImageRecord found = images.require(name);
                images.remove(found.name());
                return found;
            });
            spec.commandLine().getOut().println("removed " + r.name() + " " + r.shortId());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code lamina image export NAME FILE [--format oci|docker] [--compression gzip|zstd|none]}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Writes an image as an oci-archive or a docker-save tar. Layers stored with the asked",
                    "compression are copied as they are; others are regenerated (OCI whiteouts, opaque markers)."})
    static final class Export implements Callable<Integer> {
        @ParentCommand
        ImageCommand image;
        @Spec
        CommandSpec spec;
        @Option(names = "--format", paramLabel = "oci|docker", defaultValue = "oci", description = "Archive format (default: oci).")
        String format;
        @Option(names = "--compression", paramLabel = "gzip|zstd|none", defaultValue = "gzip", description = "Layer compression (default: gzip).")
        String compression;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() {
            ImageExport.Format f;
            LayerCompression c;
            try {
                f = ImageExport.Format.parse(format);
                c = LayerCompression.parse(compression);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            ImageExport.Result r = StoreAccess.withImages(image.lamina.root(), images -> ImageExport.write(images, name, file, f, c));
            spec.commandLine().getOut().println("wrote " + r.file() + " (" + StoreAccess.human(r.bytes()) + ", "
                    + r.diffIds().size() + " layers, " + r.regenerated() + " regenerated)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
