package io.lamina.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of an {@link ImageRecord} kept as a value in meta/images.cm. A leading
 * version byte lets a later format read (or refuse) an older one.
 */
final class ImageRecordCodec {
    private static final int VERSION = 1;

    private ImageRecordCodec() {
    }

    static byte[] encode(ImageRecord r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + r.configJson().length);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(r.name());
            out.writeUTF(r.id());
            out.writeUTF(r.configDigest());
            out.writeLong(r.created().getEpochSecond());
            out.writeInt(r.created().getNano());
            out.writeInt(r.layers().size());
            for (ImageRecord.Layer l : r.layers()) {
                out.writeUTF(l.diffId());
                out.writeUTF(l.blobDigest());
                out.writeUTF(l.mediaType());
                out.writeUTF(l.compression());
                out.writeLong(l.blobSize());
                out.writeLong(l.tarSize());
            }
            byte[] config = r.configJson();
            out.writeInt(config.length);
            out.write(config);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImageRecord decode(byte[] value) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new StoreException("meta/images.cm: image record format " + version + " is not known to this lamina");
            }
            String name = in.readUTF();
            String id = in.readUTF();
            String configDigest = in.readUTF();
            Instant created = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int n = in.readInt();
            List<ImageRecord.Layer> layers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                layers.add(new ImageRecord.Layer(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF(),
                        in.readLong(), in.readLong()));
            }
            byte[] config = new byte[in.readInt()];
            in.readFully(config);
            return new ImageRecord(name, id, configDigest, layers, config, created);
        } catch (IOException e) {
            throw new StoreException("meta/images.cm: corrupt image record (" + e.getMessage() + ")", e);
        }
    }
}
