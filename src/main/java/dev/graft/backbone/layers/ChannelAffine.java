package dev.graft.backbone.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.layers.convolution.BatchNorm;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code out = scale * x + shift} per channel of a 4-D array, as oneDNN's BatchNorm inference kernel with mean
 * 0 and variance 1 (eps 0): one vectorised pass. ND4J's own row-vector broadcast ops run row by row and take
 * about 70 times as long on a {@code [16*56*56, 256]} array (measured 140 ms against 2 ms).
 */
final class ChannelAffine {
    private final OpContext context = Nd4j.getExecutioner().buildContext();
    private final Constants constants = new Constants();

    /** {@code channelAxis}: 3 for NHWC, 1 for NCHW. */
    ChannelAffine(int channelAxis) {
        context.setIArguments(1, 1, channelAxis); // apply scale, apply shift, channel axis
        context.setTArguments(0.0);
    }

    void apply(INDArray x, INDArray scale, INDArray shift, INDArray out) {
        long channels = scale.length();
        context.purge();
        context.setInputArray(0, x);
        context.setInputArray(1, constants.filled(0, x.dataType(), channels));
        context.setInputArray(2, constants.filled(1, x.dataType(), channels));
        context.setInputArray(3, scale.reshape(channels));
        context.setInputArray(4, shift.reshape(channels));
        context.setOutputArray(0, out);
        Nd4j.exec(new BatchNorm(), context);
    }
}
