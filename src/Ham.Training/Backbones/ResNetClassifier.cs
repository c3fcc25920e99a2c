using Ham.Torch;
using Ham.Vision;

namespace Ham.Training.Backbones;

/// <summary>
/// A torchvision ResNet as a classifier: features = the pooled output, logits = its linear head
/// fc. The ResNet's own children are this module's children under their names, so the state dict
/// is torchvision's ("conv1.weight" ... "fc.bias").
/// </summary>
public sealed class ResNetClassifier : ClassifierModel
{
    readonly ResNet resnet;

    public ResNetClassifier(ResNet resnet)
    {
        this.resnet = resnet;
        foreach (var (name, child) in resnet.NamedChildren()) RegisterModule(name, child);
    }

    public override Tensor Features(Tensor images) => resnet.Features(images);

    public override Tensor Logits(Tensor features) => resnet.Fc.Forward(features);
}
