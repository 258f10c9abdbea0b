package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim, not Graft API. DL4J 1.0.0-M2.1's oneDNN helper checks
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}, but ND4J M2.1 moved that
 * class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment#isUseONEDNN()}. Without a
 * class at the old name DL4J silently keeps oneDNN off (3-7x slower convolutions on CPU). Reflection keeps
 * this compiling under the CUDA profile, where the CPU bindings are absent.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old-name facade DL4J looks up by reflection. */
    public static final class Environment {
        private static final String NEW_NAME = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Delegates to ND4J's current {@code isUseONEDNN()}; false when the CPU bindings are absent. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName(NEW_NAME);
                Object instance = env.getMethod("getInstance").invoke(null);
                Method useOneDnn = env.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
