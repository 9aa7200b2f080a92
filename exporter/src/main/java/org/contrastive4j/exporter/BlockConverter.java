package org.contrastive4j.exporter;

import ai.djl.nn.Block;

/** Emits the ONNX nodes computing one block type's forward pass (inference mode) on a single input. */
@FunctionalInterface
public interface BlockConverter<B extends Block> {

    OnnxGraph.Value convert(ConversionContext ctx, B block, OnnxGraph.Value input);
}
