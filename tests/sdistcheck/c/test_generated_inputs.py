"""Headers a build generates from what the sdist ships (c/generated_inputs.py)."""

from __future__ import annotations

from sdistcheck.archive.tree import SdistTree
from sdistcheck.c.generated_inputs import GeneratedInputs, template_outputs


def test_templates_and_protoc_outputs_are_generated() -> None:
    # onnx 1.23.2: onnx/checker.h includes "onnx/onnx-data.pb.h", which protoc writes into the
    # build tree from onnx/onnx-data.in.proto (gen_proto.py makes the .proto first)
    tree = SdistTree.from_mapping(
        "t", {"src/config.h.in": "", "onnx/onnx-data.in.proto": "", "p/msg.proto": ""}
    )
    outputs = template_outputs(tree)
    assert {"config.h", "onnx-data.pb.h", "onnx-data.pb.cc", "msg.pb.h"} <= outputs
    generated = GeneratedInputs(tree, declared=())
    assert generated.claim("onnx/onnx-data.pb.h") and generated.claim("msg.grpc.pb.h")
    assert not generated.claim("onnx/onnx-ml.pb.h")  # onnx.in.proto's ML variant: not derivable
    assert "onnx/onnx-data.pb.h" in str(generated.note("included header(s)"))
