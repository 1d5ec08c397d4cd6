package dev.begone.classify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The file of a fusion's learnt combination: a magic line, a version, the members' names (the weights mean nothing
 * for other members), whether it was taught, then the weights and their AdaGrad sums as doubles, and a CRC32C of
 * everything before it. Replaced with {@link AtomicFile}, so a crash leaves the old combination or the new one.
 */
final class FusionFile {
    private static final byte[] MAGIC = "begone-fusion\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Far above any sensible fusion; it keeps a corrupt length from allocating gigabytes. */
    private static final int MAX_LENGTH = 1024;

    record Contents(List<String> members, boolean taught, double[] weights, double[] squares) {}

    private FusionFile() {}

    /** The stored combination, or null when the file does not exist. */
    static Contents read(Path file) throws ClassifierException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ClassifierException("cannot read fusion weights " + file + ": " + e.getMessage(), e);
        }
        try {
            return decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new ClassifierException("fusion weights " + file + " are corrupt: " + e.getMessage(), e);
        }
    }

    private static Contents decode(byte[] bytes) throws IOException {
        if (bytes.length < MAGIC.length + 4) throw new IOException("truncated");
        int payload = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, payload);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) throw new IOException("not begone fusion weights (bad magic)");
        in.skipNBytes(payload - MAGIC.length);
        if (in.readInt() != (int) crc.getValue()) throw new IOException("checksum mismatch");
        in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length, payload - MAGIC.length));
        int version = in.readInt();
        if (version != VERSION) throw new IOException("unsupported version " + version);
        List<String> members = new ArrayList<>();
        int n = length(in.readInt());
        for (int j = 0; j < n; j++) members.add(in.readUTF());
        boolean taught = in.readBoolean();
        double[] weights = doubles(in);
        double[] squares = doubles(in);
        if (squares.length != weights.length) throw new IOException("weights and sums differ in length");
        if (in.available() != 0) throw new IOException("followed by garbage");
        return new Contents(members, taught, weights, squares);
    }

    private static int length(int n) throws IOException {
        if (n < 0 || n > MAX_LENGTH) throw new IOException("implausible length " + n);
        return n;
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        double[] a = new double[length(in.readInt())];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readDouble();
            if (!Double.isFinite(a[i])) throw new IOException("a weight is not finite");
        }
        return a;
    }

    static void write(Path file, Contents c) throws ClassifierException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(c.members().size());
            for (String m : c.members()) data.writeUTF(m);
            data.writeBoolean(c.taught());
            for (double[] a : List.of(c.weights(), c.squares())) {
                data.writeInt(a.length);
                for (double v : a) data.writeDouble(v);
            }
            data.flush();
            CRC32C crc = new CRC32C();
            crc.update(out.toByteArray());
            data.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        try {
            AtomicFile.replace(file, out.toByteArray());
        } catch (IOException e) {
            throw new ClassifierException("cannot save fusion weights " + file + ": " + e.getMessage(), e);
        }
    }
}
