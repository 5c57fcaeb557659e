# R side of benchmarks/psychometrics.py: time psych::alpha per dimension, a 5-factor psych::fa and
# a 5-factor lavaan::cfa on the same CSV; print one JSON line {step: seconds} (best of `repeats`).
# Usage: Rscript benchmarks/psychometrics.R benchmarks/out/servqual_50k.csv 3
suppressMessages({library(psych); library(lavaan); library(GPArotation); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])
repeats <- if (length(args) > 1) as.integer(args[2]) else 3L
model <- list(tangibles = sprintf("P%02d", 1:4), reliability = sprintf("P%02d", 5:9),
              responsiveness = sprintf("P%02d", 10:13), assurance = sprintf("P%02d", 14:17),
              empathy = sprintf("P%02d", 18:22))
syntax <- paste(sprintf("%s =~ %s", names(model), sapply(model, paste, collapse = " + ")), collapse = "\n")
best <- function(f) min(replicate(repeats, system.time(f())[["elapsed"]]))
timings <- list(
  alpha = best(function() for (items in model) suppressMessages(psych::alpha(x[, items]))),
  efa = best(function() suppressMessages(psych::fa(x, nfactors = 5, fm = "minres", rotate = "oblimin"))),
  cfa = best(function() lavaan::cfa(syntax, data = x))
)
cat(toJSON(timings, auto_unbox = TRUE, digits = NA), "\n")
