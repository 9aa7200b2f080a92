/**
 * Pretrained weights published by other toolkits, read without Python: tensor files ({@link
 * org.contrastive4j.models.weights.WeightFile}: safetensors, PyTorch's {@code torch.save} zip of a state dict read by a
 * restricted unpickler) and the mapping of torchvision / timm ResNet-18/34/50 state dicts onto our {@code resnet}
 * encoders ({@link org.contrastive4j.models.weights.ResNetWeights}), with the architecture inferred from the weights.
 */
package org.contrastive4j.models.weights;
