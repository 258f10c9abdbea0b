package dev.graft.backbone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checkpoint shapes the fixtures do not cover, as {@code torch.save} would write them (zip format, pickle
 * protocol 2, assembled opcode by opcode): a training checkpoint whose top level also holds a tensor
 * ({@code best_acc1}), a non-contiguous (transposed) tensor and a float16 storage.
 */
class TorchUnpicklerTest {
    @TempDir
    Path dir;

    /** Just enough of a pickle writer for state dicts. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X').op(b.length, 0, 0, 0);
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            out.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle ints(long... values) {
            op('(');
            for (long v : values) {
                op('K', (int) v);
            }
            return op('t');
        }

        /** {@code _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}. */
        Pickle tensor(String storageType, String key, int numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", storageType).str(key).str("cpu").op('K', numel).op('t', 'Q');
            op('K', (int) offset).ints(size).ints(stride).op(0x89);
            global("collections", "OrderedDict").op(')', 'R');
            return op('t', 'R');
        }
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private Path zip(Pickle pickle, List<byte[]> storages) throws IOException {
        Path file = dir.resolve("ckpt.pth");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("ckpt/data.pkl"));
            zip.write(pickle.out.toByteArray());
            for (int i = 0; i < storages.size(); i++) {
                zip.putNextEntry(new ZipEntry("ckpt/data/" + i));
                zip.write(storages.get(i));
            }
            zip.putNextEntry(new ZipEntry("ckpt/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    @Test
    void trainingCheckpointStridedAndHalfTensors() throws IOException {
        Pickle p = new Pickle().op(0x80, 2, '}', '(');
        p.str("best_acc1").tensor("FloatStorage", "0", 1, 0, new long[] {}, new long[] {});
        p.str("state_dict").global("collections", "OrderedDict").op(')', 'R', '(');
        // fc.weight is the transpose of a 2x3 storage [[1,2,3],[4,5,6]]: shape (3, 2), strides (1, 3).
        p.str("fc.weight").tensor("FloatStorage", "1", 6, 0, new long[] {3, 2}, new long[] {1, 3});
        p.str("fc.bias").tensor("HalfStorage", "2", 3, 1, new long[] {2}, new long[] {1});
        p.op('u', 'u', '.');
        byte[] half = {0x00, 0x3c, 0x00, 0x40, 0x00, (byte) 0xc2}; // 1.0, 2.0, -3.0 as float16
        StateDict sd = TorchCheckpointReader.read(zip(p, List.of(floats(76.1f),
                floats(1, 2, 3, 4, 5, 6), half)));
        assertEquals(List.of("fc.weight", "fc.bias"), List.copyOf(sd.keys()), "the state_dict, in file order");
        assertArrayEquals(new long[] {3, 2}, sd.get("fc.weight").shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, sd.get("fc.weight").values());
        assertArrayEquals(new float[] {2, -3}, sd.get("fc.bias").values(), "offset 1 into a float16 storage");
        assertEquals("float16", sd.get("fc.bias").dtype());
    }
}
