"""The torchvision model families cnnc must reproduce, and how each is built for the oracle.

Every model is built with `weights=None` (no download). Constructor kwargs that matter:
  - googlenet: aux_logits=False (no aux1/aux2 in the state_dict), transform_input=False (the input is
    used as given; torchvision only turns it on when loading its pretrained weights), init_weights=False
    (skips torchvision's slow truncated-normal init and its warning; every parameter is overwritten
    by init_params.py anyway).
  - inception_v3: the same three: aux_logits=False, transform_input=False, init_weights=False.
    Its smallest input is 75x75 (the stem and the reductions need it).
Everything else uses the constructor's defaults. In eval mode every model is deterministic: Dropout and
StochasticDepth are identities and BatchNorm uses its running statistics.
"""

from dataclasses import dataclass, field

import torchvision


@dataclass(frozen=True)
class Family:
    name: str
    kwargs: dict = field(default_factory=dict)
    # smallest square input the architecture accepts, as its IMAGENET1K_V1 weights' meta["min_size"]
    # says (the generator raises --size to it)
    min_size: int = 1

    @property
    def constructor(self) -> str:
        return f"torchvision.models.{self.name}"

    def build(self):
        return getattr(torchvision.models, self.name)(weights=None, **self.kwargs)


_NO_AUX = {"aux_logits": False, "transform_input": False, "init_weights": False}

FAMILIES = {
    f.name: f
    for f in [
        Family("alexnet", min_size=63),
        Family("vgg11_bn", min_size=32),
        Family("resnet18"),
        Family("resnet50"),
        Family("resnext50_32x4d"),
        Family("squeezenet1_0", min_size=21),
        Family("squeezenet1_1", min_size=17),
        Family("densenet121", min_size=29),
        Family("googlenet", dict(_NO_AUX), min_size=15),
        Family("inception_v3", dict(_NO_AUX), min_size=75),
        Family("mobilenet_v2"),
        Family("mobilenet_v3_small"),
        Family("mobilenet_v3_large"),
        Family("shufflenet_v2_x1_0"),
        Family("mnasnet1_0"),
        Family("efficientnet_b0"),
        Family("regnet_x_400mf"),
        Family("regnet_y_400mf"),
        Family("convnext_tiny", min_size=32),
    ]
}


def parse_families(text: str) -> "list[Family]":
    """`resnet18,densenet121` (or `all`) -> families; an unknown name is a one-line error."""
    names = list(FAMILIES) if text.strip() == "all" else [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown family {', '.join(unknown)}; known: {', '.join(FAMILIES)}")
    if not names:
        raise SystemExit("--families is empty")
    return [FAMILIES[n] for n in names]
