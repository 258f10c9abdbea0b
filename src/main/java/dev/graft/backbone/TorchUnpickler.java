package dev.graft.backbone;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the pickle part of a {@code torch.save} file with Razorvine's unpickler, resolving the few Python
 * globals PyTorch uses itself ({@code torch._utils._rebuild_tensor_v2}, {@code torch.FloatStorage}, ...,
 * {@code collections.OrderedDict}) and turning every other global into an inert {@link PyObject}. Nothing is
 * registered globally: each instance resolves globals itself, so no Python class is ever "executed".
 * Tensors come back as {@link TensorRef}s whose data the caller reads from the storages afterwards.
 */
final class TorchUnpickler extends Unpickler {
    private static final short GLOBAL = 'c';
    private static final short STACK_GLOBAL = 0x93;
    private static final short BUILD = 'b';
    private static final short INST = 'i';
    private static final short OBJ = 'o';
    private static final short SETITEMS = 'u';

    /** Loads one pickle from {@code in}, reading exactly up to its STOP opcode. */
    static Object loadOne(InputStream in) throws IOException {
        try {
            return new TorchUnpickler().load(in);
        } catch (PickleException | ClassCastException | IndexOutOfBoundsException e) {
            throw new IOException("malformed or unsupported pickle data (" + e.getMessage() + ")", e);
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(new PyGlobal(module, name));
            }
            case STACK_GLOBAL -> {
                String name = String.valueOf(stack.pop());
                String module = String.valueOf(stack.pop());
                stack.add(new PyGlobal(module, name));
            }
            case BUILD -> {
                Object state = stack.pop();
                if (stack.peek() instanceof PyObject target) {
                    target.state = state;
                }
            }
            case SETITEMS -> { // Razorvine's version goes through a HashMap and loses the key order
                List<Object> items = stack.pop_all_since_marker();
                @SuppressWarnings("unchecked")
                Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    dict.put(items.get(i), items.get(i + 1));
                }
            }
            case INST, OBJ -> throw new PickleException("old-style pickle opcode " + (char) key
                    + " is not used by torch.save");
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])
                || !(t[1] instanceof PyGlobal type)) {
            throw new PickleException("unknown persistent id " + pid);
        }
        DType dtype = DType.ofStorage(type.name()).orElseThrow(() ->
                new PickleException("unsupported tensor storage type " + type.qualified()));
        String key = String.valueOf(t[2]);
        long numel = ((Number) t[4]).longValue();
        if (t.length > 5 && t[5] instanceof Object[] view) { // legacy storage view: (view_key, offset, size)
            return new StorageRef(key, dtype, ((Number) view[1]).longValue(), ((Number) view[2]).longValue());
        }
        return new StorageRef(key, dtype, 0, numel);
    }

    /** A Python global ({@code module.name}); calling it builds tensors, dicts or inert objects. */
    record PyGlobal(String module, String name) implements IObjectConstructor {
        String qualified() {
            return module + "." + name;
        }

        @Override
        public Object construct(Object[] args) {
            return switch (qualified()) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> TensorRef.of(args);
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> args[0];
                case "collections.OrderedDict", "builtins.dict", "__builtin__.dict" -> dict(args);
                default -> new PyObject(this, List.of(args));
            };
        }

        private static Map<Object, Object> dict(Object[] args) {
            Map<Object, Object> map = new LinkedHashMap<>();
            if (args.length > 0 && args[0] instanceof List<?> pairs) {
                for (Object pair : pairs) {
                    if (pair instanceof Object[] kv && kv.length == 2) {
                        map.put(kv[0], kv[1]);
                    }
                }
            }
            return map;
        }
    }

    /** An instance of a class Graft does not interpret; {@code state} is what BUILD gave it. */
    static final class PyObject {
        final PyGlobal type;
        final List<Object> args;
        Object state;

        PyObject(PyGlobal type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        @Override
        public String toString() {
            return type.qualified() + "(...)";
        }
    }

    /** A reference to (part of) a storage: {@code numel} elements of {@code dtype} from {@code offset}. */
    record StorageRef(String key, DType dtype, long offset, long numel) {
    }

    /** A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
        static TensorRef of(Object[] args) {
            if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
                throw new PickleException("unexpected _rebuild_tensor arguments");
            }
            return new TensorRef(storage, ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
        }

        private static long[] longs(Object tuple) {
            Object[] items = (Object[]) tuple;
            long[] out = new long[items.length];
            for (int i = 0; i < items.length; i++) {
                out[i] = ((Number) items[i]).longValue();
            }
            return out;
        }
    }
}
