package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;

/**
 * The inverse of {@link NchwToNhwc}: hands an NHWC activation computed inside a graph back in NCHW, for a graph
 * whose callers expect the layout it was built in (see {@code model.InferenceGraph}).
 */
public class NhwcToNchw extends ChannelLayoutSwap {
    private static final long serialVersionUID = 1L;

    @Override
    CNN2DFormat source() {
        return CNN2DFormat.NHWC;
    }

    @Override
    public NhwcToNchw clone() {
        return new NhwcToNchw();
    }
}
