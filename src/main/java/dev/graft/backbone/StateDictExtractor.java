package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.backbone.TorchUnpickler.PyObject;
import dev.graft.backbone.TorchUnpickler.StorageRef;
import dev.graft.backbone.TorchUnpickler.TensorRef;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the state dict inside an unpickled checkpoint and materialises its tensors. Accepts a raw state dict,
 * a dict holding one under {@code state_dict}, {@code model}, {@code model_state_dict} or {@code module}
 * (training checkpoints), or a whole pickled {@code nn.Module} ({@code _parameters}, {@code _buffers},
 * {@code _modules}).
 */
final class StateDictExtractor {
    private static final List<String> CONTAINER_KEYS = List.of("state_dict", "model", "model_state_dict", "module");

    private StateDictExtractor() {
    }

    /** The state dict in {@code root}, tensors read through {@code storages}. */
    static StateDict extract(Object root, String source, TorchCheckpointReader.Storages storages) {
        Map<String, TensorRef> refs = find(root, source);
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
        refs.forEach((name, ref) -> tensors.put(name, materialise(name, ref, storages.data(ref.storage()), source)));
        return new StateDict(source, tensors);
    }

    /** Every storage referenced by a tensor anywhere in {@code root}, by key. */
    static Map<String, StorageRef> storages(Object root) {
        Map<String, StorageRef> out = new HashMap<>();
        collect(root, out, 0);
        return out;
    }

    private static void collect(Object o, Map<String, StorageRef> out, int depth) {
        if (depth > 64) {
            return;
        }
        if (o instanceof TensorRef t) {
            out.putIfAbsent(t.storage().key(), t.storage());
        } else if (o instanceof Map<?, ?> m) {
            m.values().forEach(v -> collect(v, out, depth + 1));
        } else if (o instanceof List<?> l) {
            l.forEach(v -> collect(v, out, depth + 1));
        } else if (o instanceof Object[] a) {
            for (Object v : a) {
                collect(v, out, depth + 1);
            }
        } else if (o instanceof PyObject p) {
            collect(p.state, out, depth + 1);
            collect(p.args, out, depth + 1);
        }
    }

    private static Map<String, TensorRef> find(Object root, String source) {
        if (root instanceof Map<?, ?> map) {
            // A training checkpoint holds the model under a key, next to tensors such as best_acc1.
            for (String key : CONTAINER_KEYS) {
                if (map.get(key) instanceof Map<?, ?> || map.get(key) instanceof PyObject) {
                    return find(map.get(key), source);
                }
            }
            Map<String, TensorRef> direct = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v instanceof TensorRef t) {
                    direct.put(String.valueOf(k), t);
                }
            });
            if (!direct.isEmpty()) {
                return direct;
            }
            throw GraftException.usage(source + " holds no tensors where a state dict was expected (top-level keys: "
                    + map.keySet() + ")");
        }
        if (root instanceof PyObject module && module.state instanceof Map<?, ?>) {
            Map<String, TensorRef> out = new LinkedHashMap<>();
            flattenModule(module, "", out);
            if (!out.isEmpty()) {
                return out;
            }
        }
        throw GraftException.usage(source + " holds a " + describe(root) + ", not a state dict; save the model's"
                + " state_dict() with torch.save");
    }

    private static void flattenModule(PyObject module, String prefix, Map<String, TensorRef> out) {
        if (!(module.state instanceof Map<?, ?> state)) {
            return;
        }
        for (String field : List.of("_parameters", "_buffers")) {
            if (state.get(field) instanceof Map<?, ?> tensors) {
                tensors.forEach((k, v) -> {
                    if (v instanceof TensorRef t) {
                        out.put(prefix + k, t);
                    }
                });
            }
        }
        if (state.get("_modules") instanceof Map<?, ?> children) {
            children.forEach((k, v) -> {
                if (v instanceof PyObject child) {
                    flattenModule(child, prefix + k + ".", out);
                }
            });
        }
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof PyObject p ? p.toString() : o.getClass().getSimpleName();
    }

    private static CheckpointTensor materialise(String name, TensorRef ref, ByteBuffer data, String source) {
        StorageRef storage = ref.storage();
        DType dtype = storage.dtype();
        long[] size = ref.size();
        long numel = CheckpointTensor.numel(size);
        long base = storage.offset() + ref.offset();
        long last = base;
        for (int d = 0; d < size.length; d++) {
            last += (size[d] - 1) * ref.stride()[d];
        }
        long available = data == null ? 0 : data.capacity() / dtype.size();
        if (numel > 0 && (data == null || base < 0 || last >= available)) {
            throw GraftException.usage("tensor " + name + " of " + source + " points past the end of its data"
                    + " (truncated file?)");
        }
        float[] out = new float[Math.toIntExact(numel)];
        if (isContiguous(size, ref.stride()) && dtype == DType.FLOAT32) {
            ByteBuffer b = data.duplicate();
            b.position(Math.toIntExact(base * 4));
            b.slice().order(data.order()).asFloatBuffer().get(out);
        } else {
            long[] index = new long[size.length];
            for (int i = 0; i < out.length; i++) {
                long at = base;
                for (int d = 0; d < size.length; d++) {
                    at += index[d] * ref.stride()[d];
                }
                out[i] = dtype.read(data, at);
                for (int d = size.length - 1; d >= 0 && ++index[d] == size[d]; d--) {
                    index[d] = 0;
                }
            }
        }
        return new CheckpointTensor(dtype.toString(), size.clone(), out);
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }
}
