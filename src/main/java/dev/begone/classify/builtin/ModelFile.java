package dev.begone.classify.builtin;

import dev.begone.classify.AtomicFile;
import dev.begone.classify.ClassifierException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The model file: a version header, then the weights and the AdaGrad sums as float16 and the naive Bayes counts
 * as int32, zlib-compressed, with a CRC32C of the uncompressed payload. A version 1 file, written before the counts
 * existed, loads with all counts zero. Replaced with {@link AtomicFile}, so a crash leaves the old model or the new one.
 */
final class ModelFile {
    private static final byte[] MAGIC = "begone-builtin\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_COUNTS = 1;

    record Contents(int hashBits, int windowBytes, int textBytes, long spamLearned, long hamLearned,
            float[] weights, float[] gradients, int[] counts) {
        static Contents fresh(BuiltinOptions o) {
            return new Contents(o.hashBits(), o.windowBytes(), o.textBytes(), 0, 0,
                    new float[1 << o.hashBits()], new float[1 << o.hashBits()], new int[2 << o.hashBits()]);
        }
    }

    private ModelFile() {}

    static Contents read(Path file, BuiltinOptions options) throws ClassifierException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Contents.fresh(options);
        } catch (IOException e) {
            throw new ClassifierException("cannot read builtin model " + file + ": " + e.getMessage(), e);
        }
        try {
            return decode(bytes);
        } catch (IOException | DataFormatException | RuntimeException e) {
            throw new ClassifierException("builtin model " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static Contents decode(byte[] bytes) throws IOException, DataFormatException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) throw new IOException("not a begone builtin model (bad magic)");
        int version = in.readInt();
        if (version != VERSION && version != VERSION_WITHOUT_COUNTS) throw new IOException("unsupported model version " + version);
        int hashBits = in.readInt();
        int windowBytes = in.readInt();
        int textBytes = in.readInt();
        long spam = in.readLong();
        long ham = in.readLong();
        // deflate leaves some bits unchecked in long zero runs; version 2 checks the payload itself
        Integer crc = version == VERSION ? in.readInt() : null;
        if (hashBits < 16 || hashBits > 26 || windowBytes < 0 || textBytes < 0 || spam < 0 || ham < 0) {
            throw new IOException("implausible header values");
        }
        int headerLength = bytes.length - available(in);
        byte[] raw = new byte[(version == VERSION ? 12 : 4) << hashBits];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, headerLength, bytes.length - headerLength);
            int n = 0;
            while (n < raw.length && !inflater.finished()) {
                int got = inflater.inflate(raw, n, raw.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                n += got;
            }
            if (n != raw.length || !inflater.finished() || inflater.getRemaining() != 0) {
                throw new IOException("weights truncated or followed by garbage");
            }
        } finally {
            inflater.end();
        }
        if (crc != null && crc != crc(raw)) throw new IOException("checksum mismatch");
        float[] weights = new float[1 << hashBits];
        float[] gradients = new float[1 << hashBits];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < weights.length; i++) weights[i] = Float.float16ToFloat(buf.getShort());
        for (int i = 0; i < gradients.length; i++) gradients[i] = Float.float16ToFloat(buf.getShort());
        int[] counts = new int[2 << hashBits];
        if (version == VERSION) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buf.getInt();
                if (counts[i] < 0) throw new IOException("negative count");
            }
        }
        return new Contents(hashBits, windowBytes, textBytes, spam, ham, weights, gradients, counts);
    }

    private static int available(InputStream in) throws IOException {
        return in.available();
    }

    private static int crc(byte[] raw) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(raw);
        return (int) crc.getValue();
    }

    static void write(Path file, Contents c) throws ClassifierException {
        ByteBuffer raw = ByteBuffer.allocate(c.weights().length * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (float w : c.weights()) raw.putShort(Float.floatToFloat16(w));
        for (float g : c.gradients()) raw.putShort(Float.floatToFloat16(g));
        for (int n : c.counts()) raw.putInt(n);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.write(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(c.hashBits());
            data.writeInt(c.windowBytes());
            data.writeInt(c.textBytes());
            data.writeLong(c.spamLearned());
            data.writeLong(c.hamLearned());
            data.writeInt(crc(raw.array()));
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw.array());
            deflater.finish();
            byte[] chunk = new byte[1 << 16];
            while (!deflater.finished()) out.write(chunk, 0, deflater.deflate(chunk));
        } finally {
            deflater.end();
        }
        try {
            AtomicFile.replace(file, out.toByteArray());
        } catch (IOException e) {
            throw new ClassifierException("cannot save builtin model " + file + ": " + e.getMessage(), e);
        }
    }
}
