package dev.graft.backbone;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/** Element types found in PyTorch and safetensors files, with their conversion to float32. */
enum DType {
    FLOAT32("float32", 4, "FloatStorage", "F32"),
    FLOAT64("float64", 8, "DoubleStorage", "F64"),
    FLOAT16("float16", 2, "HalfStorage", "F16"),
    BFLOAT16("bfloat16", 2, "BFloat16Storage", "BF16"),
    INT64("int64", 8, "LongStorage", "I64"),
    INT32("int32", 4, "IntStorage", "I32"),
    INT16("int16", 2, "ShortStorage", "I16"),
    INT8("int8", 1, "CharStorage", "I8"),
    UINT8("uint8", 1, "ByteStorage", "U8"),
    BOOL("bool", 1, "BoolStorage", "BOOL");

    private final String label;
    private final int size;
    private final String storage;
    private final String safetensors;

    DType(String label, int size, String storage, String safetensors) {
        this.label = label;
        this.size = size;
        this.storage = storage;
        this.safetensors = safetensors;
    }

    /** Bytes per element. */
    int size() {
        return size;
    }

    @Override
    public String toString() {
        return label;
    }

    /** The type of a PyTorch storage class name ({@code FloatStorage}). */
    static Optional<DType> ofStorage(String storageClass) {
        return Arrays.stream(values()).filter(t -> t.storage.equals(storageClass)).findFirst();
    }

    /** The type of a safetensors dtype code ({@code F32}). */
    static Optional<DType> ofSafetensors(String code) {
        return Arrays.stream(values()).filter(t -> t.safetensors.equals(code)).findFirst();
    }

    /** Element {@code index} of {@code data} (positioned at the storage start) as a float. */
    float read(ByteBuffer data, long index) {
        int at = Math.toIntExact(index * size);
        return switch (this) {
            case FLOAT32 -> data.getFloat(at);
            case FLOAT64 -> (float) data.getDouble(at);
            case FLOAT16 -> halfToFloat(data.getShort(at));
            case BFLOAT16 -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
            case INT64 -> (float) data.getLong(at);
            case INT32 -> (float) data.getInt(at);
            case INT16 -> data.getShort(at);
            case INT8, BOOL -> data.get(at);
            case UINT8 -> data.get(at) & 0xff;
        };
    }

    /** IEEE 754 half precision to float (exact: every half is a float). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** {@code data} (a whole storage or tensor) viewed with the given byte order, positioned at 0. */
    static ByteBuffer view(byte[] data, ByteOrder order) {
        return ByteBuffer.wrap(data).order(order);
    }
}
