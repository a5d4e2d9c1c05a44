"""A grpcio client of explain.v1: runs a whole Explain call and prints one line per event.

Usage: explain_client.py STUBS_DIR ADDRESS MODEL IMAGE
Prints "EVENT <kind> <sequence> [details]" lines, then "STATUS OK" or "STATUS <code> <detail>".
"""
import sys

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
from explain.v1 import explainer_pb2, explainer_pb2_grpc, models_pb2, models_pb2_grpc  # noqa: E402


def main():
    address, model, image = sys.argv[2], sys.argv[3], sys.argv[4]
    with grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", 64 << 20)]) as channel:
        description = models_pb2_grpc.ModelsStub(channel).Describe(models_pb2.DescribeModelRequest(name=model), timeout=30)
        print("MODEL", description.name, description.default_target_layer, flush=True)
        request = explainer_pb2.ExplainRequest(model=model, image=open(image, "rb").read(), methods=["gradcam", "gradcam++"],
                                               targets=explainer_pb2.Targets(top_k=1))
        try:
            for event in explainer_pb2_grpc.ExplainerStub(channel).Explain(request, timeout=60):
                kind = event.WhichOneof("kind")
                detail = ""
                if kind == "heatmap":
                    detail = "%s %s %d %d" % (event.heatmap.method, "x".join(map(str, event.heatmap.shape)), len(event.heatmap.map), len(event.heatmap.overlay_png))
                print("EVENT", kind, event.sequence, detail, flush=True)
            print("STATUS OK")
        except grpc.RpcError as e:
            print("STATUS", e.code().name, e.details())


if __name__ == "__main__":
    main()
