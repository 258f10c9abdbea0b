package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file: an unsigned little-endian 64-bit header length, a JSON header mapping each
 * tensor name to {@code dtype}, {@code shape} and {@code data_offsets}, then the little-endian data.
 */
final class SafetensorsReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsReader() {
    }

    static StateDict read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, file);
            long headerLength = len.getLong(0);
            if (headerLength <= 0 || headerLength > Math.min(fileSize - 8, 100_000_000L)) {
                throw TorchCheckpointReader.notTorch(file, "bad safetensors header length " + headerLength);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(ch, headerBytes, 8, file);
            JsonNode header = JSON.readTree(headerBytes.array());
            long dataStart = 8 + headerLength;
            Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    tensors.put(e.getKey(), tensor(ch, file, e.getKey(), e.getValue(), dataStart, fileSize));
                }
            }
            return new StateDict(file.toString(), tensors);
        } catch (IOException e) {
            throw new GraftException("cannot read safetensors file " + file + ": "
                    + TorchCheckpointReader.message(e), GraftException.USAGE, e);
        }
    }

    private static CheckpointTensor tensor(FileChannel ch, Path file, String name, JsonNode info, long dataStart,
                                           long fileSize) throws IOException {
        DType dtype = DType.ofSafetensors(info.path("dtype").asText()).orElseThrow(() ->
                new GraftException(file + ": tensor " + name + " has the unsupported dtype " + info.path("dtype")
                        + " (Graft reads floating-point and integer tensors)", GraftException.USAGE, null));
        JsonNode shapeNode = info.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = info.path("data_offsets").path(0).asLong(-1);
        long end = info.path("data_offsets").path(1).asLong(-1);
        long numel = CheckpointTensor.numel(shape);
        if (begin < 0 || end - begin != numel * dtype.size()) {
            throw TorchCheckpointReader.notTorch(file, "bad data_offsets for " + name);
        }
        if (dataStart + end > fileSize) {
            throw GraftException.usage(file + " is truncated: tensor " + name + " ends at byte " + (dataStart + end)
                    + " but the file has " + fileSize + "; re-download it");
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(end - begin));
        readFully(ch, data, dataStart + begin, file);
        data.order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[Math.toIntExact(numel)];
        if (dtype == DType.FLOAT32) {
            data.rewind();
            data.asFloatBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = dtype.read(data, i);
            }
        }
        return new CheckpointTensor(dtype.toString(), shape, values);
    }

    private static void readFully(FileChannel ch, ByteBuffer into, long position, Path file) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = ch.read(into, at);
            if (n < 0) {
                throw GraftException.usage(file + " is truncated; re-download it");
            }
            at += n;
        }
    }
}
