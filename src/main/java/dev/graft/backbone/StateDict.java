package dev.graft.backbone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Named tensors read from a checkpoint (a PyTorch {@code state_dict}), in file order, with where they came
 * from for error messages.
 */
public final class StateDict {
    private final String source;
    private final Map<String, CheckpointTensor> tensors;

    /** Tensors by name, in file order; {@code source} names the file for messages. */
    public StateDict(String source, Map<String, CheckpointTensor> tensors) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The file (or folder) the tensors were read from. */
    public String source() {
        return source;
    }

    /** Every tensor by name, in file order (unmodifiable). */
    public Map<String, CheckpointTensor> tensors() {
        return tensors;
    }

    /** The tensor names, in file order. */
    public Set<String> keys() {
        return tensors.keySet();
    }

    /** The tensor called {@code key}, or null. */
    public CheckpointTensor get(String key) {
        return tensors.get(key);
    }

    /** Number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** The same tensors with every key passed through {@code rename}; a null name drops the tensor. */
    public StateDict renamed(UnaryOperator<String> rename) {
        Map<String, CheckpointTensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            String name = rename.apply(k);
            if (name != null) {
                out.put(name, v);
            }
        });
        return new StateDict(source, out);
    }

    /**
     * Without {@code prefix} when every key has it ({@code module.} from {@code DataParallel} training),
     * otherwise unchanged.
     */
    public StateDict withoutCommonPrefix(String prefix) {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith(prefix))) {
            return this;
        }
        return renamed(k -> k.substring(prefix.length()));
    }
}
