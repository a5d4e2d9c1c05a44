return Explain.Cli.ExplainApp.Invoke(args);
