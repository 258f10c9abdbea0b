package dev.graft.backbone.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The computation of {@link ChannelZeroPad}: forward writes the input between zero channels, backward slices. */
final class ChannelZeroPadVertex extends BaseGraphVertex {
    private final ChannelZeroPad conf;

    ChannelZeroPadVertex(ComputationGraph graph, String name, int index, DataType dataType, ChannelZeroPad conf) {
        super(graph, name, index, null, null, dataType);
        this.conf = conf;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public boolean isOutputVertex() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = inputs[0];
        long[] shape = x.shape().clone();
        int axis = conf.channelAxis();
        shape[axis] += conf.getBefore() + conf.getAfter();
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, x.dataType(), shape, 'c');
        out.get(inner(axis, x.size(axis))).assign(x);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        int axis = conf.channelAxis();
        long channels = epsilon.size(axis) - conf.getBefore() - conf.getAfter();
        INDArray dx = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon.get(inner(axis, channels)), 'c');
        return new Pair<>(null, new INDArray[] {dx});
    }

    /** The input's channels inside the padded array. */
    private INDArrayIndex[] inner(int axis, long channels) {
        INDArrayIndex[] index = {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()};
        index[axis] = NDArrayIndex.interval(conf.getBefore(), conf.getBefore() + channels);
        return index;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("ChannelZeroPad has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(maskArrays == null || maskArrays.length == 0 ? null : maskArrays[0], currentMaskState);
    }

    @Override
    public String toString() {
        return conf.toString();
    }
}
