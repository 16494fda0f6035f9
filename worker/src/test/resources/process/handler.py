"""Process handlers for the worker's tests: the mode is the command's last argument."""
import json
import os
import signal
import sys
import time


def progress(code, done, total=None, message=None):
    update = {"code": code, "done": done, "total": total}
    if message is not None:
        update["message"] = message
    sys.stderr.write("brigade:progress " + json.dumps(update) + "\n")
    sys.stderr.flush()


def main():
    mode = sys.argv[-1]
    raw = sys.stdin.buffer.read().decode("utf-8")
    args = json.loads(raw)
    if mode == "echo":
        json.dump({"args": args, "raw": raw, "argv": sys.argv[1:], "task_id": os.environ.get("BRIGADE_TASK_ID")},
                  sys.stdout, ensure_ascii=False)
    elif mode == "progress":
        sys.stderr.write("starting\n")
        for done in range(args["total"] + 1):
            progress("test.steps", done, args["total"], "Stepping")
        sys.stderr.write("brigade:progress {not json\n")
        sys.stderr.write("done stepping\n")
        json.dump({"steps": args["total"]}, sys.stdout)
    elif mode == "empty":
        pass
    elif mode == "fail":
        for i in range(30):
            sys.stderr.write("log line %d\n" % i)
        sys.stderr.write("it broke: no such repository\n")
        sys.exit(3)
    elif mode == "not-json":
        sys.stdout.write("hello, this is not JSON\n")
    elif mode == "too-large":
        chunk = "x" * 65536
        sys.stdout.write("[\"")
        for _ in range(40):
            sys.stdout.write(chunk)
        sys.stdout.write("\"]")
    elif mode == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "stubborn":
        # ignores SIGTERM, and so does its own child: only SIGKILL ends them
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        grandchild = os.fork()
        if grandchild == 0:
            while True:
                time.sleep(1)
        progress("pid", os.getpid())
        progress("grandchild", grandchild)
        while True:
            time.sleep(1)
    elif mode == "sleep":
        progress("pid", os.getpid())
        time.sleep(args.get("seconds", 60))
    else:
        sys.exit("unknown mode " + mode)


main()
