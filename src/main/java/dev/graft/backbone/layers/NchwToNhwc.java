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
 * Turns the graph's NCHW input into the NHWC layout the backbone computes in. Everything outside the model
 * (data pipeline, feature cache input, ONNX, bundles) keeps PyTorch's NCHW; inside, oneDNN's fastest
 * convolution and BatchNorm kernels work on channels-last memory, and an NCHW graph pays a layout
 * conversion before and after every convolution (measured: over half of ResNet-50's step time).
 */
public class NchwToNhwc implements InputPreProcessor {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, input.permute(0, 2, 3, 1), 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, output.permute(0, 3, 1, 2), 'c');
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutional cnn && cnn.getFormat() == CNN2DFormat.NCHW) {
            return InputType.convolutional(cnn.getHeight(), cnn.getWidth(), cnn.getChannels(), CNN2DFormat.NHWC);
        }
        throw new InvalidInputTypeException("expected an NCHW convolutional input, got " + inputType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public NchwToNhwc clone() {
        return new NchwToNhwc();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NchwToNhwc;
    }

    @Override
    public int hashCode() {
        return NchwToNhwc.class.hashCode();
    }
}
