package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;

/**
 * DL4J M2.1's BatchNorm layer with {@link ChannelsLastBatchNorm} in place of its oneDNN helper for
 * channels-last activations. The stock helper spends most of a ResNet training step in BatchNorm: batch
 * statistics by strided reductions and a backward op that adds several passes of its own around oneDNN's
 * (measured: BatchNorm backward alone took as long as every convolution's backward together).
 */
public class DirectBatchNormalization extends BatchNormalization {

    public DirectBatchNormalization(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (getHelper() instanceof MKLDNNBatchNormHelper stock && layerConf().getCnn2DFormat() == CNN2DFormat.NHWC) {
            replaceHelper(new ChannelsLastBatchNorm(stock));
        }
    }

    /** DL4J keeps the helper in a package-private field and picks it itself; no setter exists. */
    private void replaceHelper(ChannelsLastBatchNorm replacement) {
        try {
            Field field = BatchNormalization.class.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(this, replacement);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DL4J's BatchNormalization changed: " + e.getMessage(), e);
        }
    }
}
