"""The `neuronet` command."""
import argparse
import sys


def summary(path):
    """Print the summary table of the model saved in the `.keras` file `path`."""
    from .saving import load_model
    load_model(path, compile=False).summary()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="neuronet", description="neuronet command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="compare dense networks on the shipped digits")
    demo.add_argument("--epochs", type=int, default=40)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--plot", default="neuronet-demo.png",
                      help="where to write the learning curves (needs matplotlib); '' for none")
    summary_parser = commands.add_parser("summary", help="print the layers of a .keras model")
    summary_parser.add_argument("model", help="path of a .keras file")
    args = parser.parse_args(argv)
    if args.command == "summary":
        summary(args.model)
    if args.command == "demo":
        from . import demo as demo_module
        demo_module.run(epochs=args.epochs, seed=args.seed, plot_path=args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
