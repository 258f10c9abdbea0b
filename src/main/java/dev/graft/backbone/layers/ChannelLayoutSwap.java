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
 * A stateless preprocessor that moves a convolutional activation between NCHW and NHWC: forward by one permutation,
 * backward by its inverse. The two directions are subclasses with no fields, so a saved model's JSON names the
 * direction by its class alone, as it did before this base class existed.
 */
abstract class ChannelLayoutSwap implements InputPreProcessor {
    private static final long serialVersionUID = 1L;
    private static final int[] TO_NHWC = {0, 2, 3, 1};
    private static final int[] TO_NCHW = {0, 3, 1, 2};

    /** The layout this preprocessor reads (its output is the other one). */
    abstract CNN2DFormat source();

    private int[] forward() {
        return source() == CNN2DFormat.NCHW ? TO_NHWC : TO_NCHW;
    }

    private int[] inverse() {
        return source() == CNN2DFormat.NCHW ? TO_NCHW : TO_NHWC;
    }

    private CNN2DFormat target() {
        return source() == CNN2DFormat.NCHW ? CNN2DFormat.NHWC : CNN2DFormat.NCHW;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(forward()), 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(inverse()), 'c');
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutional cnn && cnn.getFormat() == source()) {
            return InputType.convolutional(cnn.getHeight(), cnn.getWidth(), cnn.getChannels(), target());
        }
        throw new InvalidInputTypeException("expected an " + source() + " convolutional input, got " + inputType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public abstract ChannelLayoutSwap clone();

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }
}
