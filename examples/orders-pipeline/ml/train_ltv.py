"""Train the customer lifetime value model on the Spark job's output, and log the run to MLflow.

Run by DVC (`dvc repro train_ltv_model`); the run is tagged with the git commit and the DVC data
version it trained on, so a result can be traced back to its exact code and data.
"""
import argparse
import json
import subprocess

import mlflow
import pandas as pd
import yaml
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.model_selection import train_test_split

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

params = yaml.safe_load(open("params.yaml"))["train"]
data = pd.read_parquet(args.input)
x_train, x_test, y_train, y_test = train_test_split(data[["order_count"]], data["lifetime_value"], random_state=7)

with mlflow.start_run(run_name="ltv-gbr"):
    model = GradientBoostingRegressor(learning_rate=params["learning_rate"], n_estimators=params["n_estimators"])
    model.fit(x_train, y_train)
    rmse = float(((model.predict(x_test) - y_test) ** 2).mean() ** 0.5)
    mlflow.log_params(params)
    mlflow.log_metric("rmse", rmse)
    mlflow.set_tag("mlflow.source.git.commit", subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip())
    lock = yaml.safe_load(open("dvc.lock"))
    dep = next(d for d in lock["stages"]["train_ltv_model"]["deps"] if d["path"] == args.input)
    mlflow.set_tags({"dvc.data.path": args.input, "dvc.data.md5": dep["md5"]})
    mlflow.sklearn.log_model(model, "model", registered_model_name="customer_ltv")
    json.dump({"rmse": rmse}, open("metrics/ltv.json", "w"))
    pd.to_pickle(model, args.output)
