"""A small seeded PyTorch model saved both ways torch.save writes, for test/export/cli.test.ts.

Usage: /usr/bin/python3 torch_checkpoint.py OUT_DIR
Writes OUT_DIR/model.pt (zip), OUT_DIR/model-legacy.pt (_use_new_zipfile_serialization=False) and
OUT_DIR/case.json: {"input": tensor (batch 2), "output": tensor}, tensors as in ../shared/golden. The model
is the .cnn model `Small` of cli.test.ts, layer for layer (same state_dict keys).
"""

import base64
import json
import os
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        return self.fc(self.flat(self.pool(self.relu(self.bn(self.conv(x))))))


def enc(t):
    t = t.detach().contiguous().to(torch.float32)
    return {"shape": list(t.shape), "dtype": "float32", "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode()}


m = Small()
with torch.no_grad():
    m.bn.running_mean.copy_(torch.randn(4))
    m.bn.running_var.copy_(torch.rand(4) + 0.5)
    m.bn.weight.copy_(torch.randn(4))
m.eval()
x = torch.randn(2, 3, 8, 8)
with torch.no_grad():
    y = m(x)
out = sys.argv[1]
torch.save(m.state_dict(), os.path.join(out, "model.pt"))
torch.save(m.state_dict(), os.path.join(out, "model-legacy.pt"), _use_new_zipfile_serialization=False)
with open(os.path.join(out, "case.json"), "w") as f:
    json.dump({"input": enc(x), "output": enc(y)}, f)
print("ok")
