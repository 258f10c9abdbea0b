package dev.graft.backbone.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inverse of {@link NchwToNhwc}: hands an NHWC activation computed inside a graph back in NCHW, for a graph
 * whose callers expect the layout it was built in (see {@code model.InferenceGraph}).
 */
public class NhwcToNchw implements InputPreProcessor {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(0, 3, 1, 2), 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(0, 2, 3, 1), 'c');
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutional cnn && cnn.getFormat() == CNN2DFormat.NHWC) {
            return InputType.convolutional(cnn.getHeight(), cnn.getWidth(), cnn.getChannels(), CNN2DFormat.NCHW);
        }
        throw new InvalidInputTypeException("expected an NHWC convolutional input, got " + inputType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public NhwcToNchw clone() {
        return new NhwcToNchw();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NhwcToNchw;
    }

    @Override
    public int hashCode() {
        return NhwcToNchw.class.hashCode();
    }
}
