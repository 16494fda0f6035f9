"""A process handler for ProcessHandlerIT, run by the real worker: the mode is the last argument."""
import json
import sys
import time


def progress(code, done, total, message):
    sys.stderr.write("brigade:progress " + json.dumps({"code": code, "message": message, "total": total, "done": done}) + "\n")
    sys.stderr.flush()


args = json.load(sys.stdin)
mode = sys.argv[-1]
if mode == "report":
    for step in range(1, args["steps"] + 1):
        progress("it.steps", step, args["steps"], "Step %d" % step)
        sys.stderr.write("did step %d\n" % step)
    json.dump({"greeting": args["greeting"], "steps": args["steps"]}, sys.stdout, ensure_ascii=False)
elif mode == "wait":
    # waits for its cancel; Python's default SIGTERM handling ends it
    progress("it.wait", 1, 2, "Waiting to be canceled")
    time.sleep(120)
elif mode == "fail":
    sys.stderr.write("cannot reach %s\n" % args["remote"])
    sys.exit(2)
