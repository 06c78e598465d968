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
    train = commands.add_parser("train", help="train an image classifier on DIR/<class>/*.jpg")
    train.add_argument("directory")
    train.add_argument("--image-size", type=int, default=64)
    train.add_argument("--model", choices=("logreg", "mlp", "cnn"), default="cnn")
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", default=None, help="where to save the trained .keras model")
    predict = commands.add_parser("predict", help="classify pictures with a trained model")
    predict.add_argument("model", help="a .keras file written by `neuronet train --out`")
    predict.add_argument("images", nargs="+")
    summary_parser = commands.add_parser("summary", help="print the layers of a .keras model")
    summary_parser.add_argument("model", help="path of a .keras file")
    args = parser.parse_args(argv)
    if args.command == "summary":
        summary(args.model)
    if args.command == "train":
        from .image_classification import train as train_images
        train_images(args.directory, image_size=args.image_size, kind=args.model,
                     epochs=args.epochs, batch_size=args.batch_size, out=args.out, seed=args.seed)
    if args.command == "predict":
        from .image_classification import predict as predict_images
        predict_images(args.model, args.images)
    if args.command == "demo":
        from . import demo as demo_module
        demo_module.run(epochs=args.epochs, seed=args.seed, plot_path=args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
