package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;

/**
 * Turns the graph's NCHW input into the NHWC layout the backbone computes in. Everything outside the model
 * (data pipeline, feature cache input, ONNX, bundles) keeps PyTorch's NCHW; inside, oneDNN's fastest
 * convolution and BatchNorm kernels work on channels-last memory, and an NCHW graph pays a layout
 * conversion before and after every convolution (measured: over half of ResNet-50's step time).
 */
public class NchwToNhwc extends ChannelLayoutSwap {
    private static final long serialVersionUID = 1L;

    @Override
    CNN2DFormat source() {
        return CNN2DFormat.NCHW;
    }

    @Override
    public NchwToNhwc clone() {
        return new NchwToNhwc();
    }
}
