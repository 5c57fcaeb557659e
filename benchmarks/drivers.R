# R side of benchmarks/drivers.py: key-driver analysis with a 1,000-resample percentile bootstrap,
# timed with system.time (best of `repeats`); prints one JSON line {step: seconds} plus the point values.
# relaimpo is not packaged in Debian, so LMG is the all-subsets Shapley value from the correlation
# matrix (one solve per subset, as relaimpo's calc.relimp(type = "lmg") computes it) and the bootstrap
# is boot::boot(R = 1000) with boot.ci(type = "perc") per predictor -- what relaimpo::boot.relimp does.
# Usage: Rscript benchmarks/drivers.R tests/fixtures/r/drivers_it_firm.csv 1000 3
suppressMessages({library(boot); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])
n_boot <- if (length(args) > 1) as.integer(args[2]) else 1000L
repeats <- if (length(args) > 2) as.integer(args[3]) else 3L
dims <- list(tangibles = 1:4, reliability = 5:9, responsiveness = 10:13, assurance = 14:17, empathy = 18:22)
best <- function(f) min(replicate(repeats, system.time(f())[["elapsed"]]))

prepare <- function() {
  scores <- sapply(dims, function(items) rowMeans(x[, sprintf("P%02d", items), drop = FALSE], na.rm = TRUE))
  d <- cbind(scores, overall = x$overall)
  d[complete.cases(d), ]
}
p <- length(dims)
masks <- 0:(2^p - 1)
members <- lapply(masks, function(m) which(bitwAnd(m, 2^(0:(p - 1))) > 0))
sizes <- lengths(members)
weights <- factorial(0:(p - 1)) * factorial(p - 1 - 0:(p - 1)) / factorial(p)
without <- lapply(1:p, function(j) masks[bitwAnd(masks, 2^(j - 1)) == 0])
lmg <- function(C) {  # all-subsets Shapley/LMG, subsets indexed by bit mask (vectorised over subsets)
  rxy <- C[1:p, p + 1]
  r2 <- vapply(members, function(S) if (length(S)) sum(rxy[S] * solve(C[S, S, drop = FALSE], rxy[S])) else 0, 0)
  vapply(1:p, function(j) {
    m <- without[[j]]
    sum(weights[sizes[m + 1] + 1] * (r2[m + 2^(j - 1) + 1] - r2[m + 1]))
  }, 0)
}
rw <- function(C) {
  e <- eigen(C[1:p, 1:p], symmetric = TRUE)
  Lambda <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  beta <- solve(Lambda, C[1:p, p + 1])
  as.vector((Lambda^2) %*% beta^2)
}
run <- function(f) {
  d <- prepare()
  b <- boot(d, function(data, i) f(cor(data[i, ])), R = n_boot)
  ci <- sapply(1:p, function(j) boot.ci(b, type = "perc", index = j)$percent[4:5])
  list(raw = b$t0, ci = ci)
}
set.seed(1)
timings <- list(shapley = best(function() run(lmg)), relative_weights = best(function() run(rw)))
point <- list(shapley = run(lmg)$raw, relative_weights = run(rw)$raw)
cat(toJSON(list(seconds = timings, raw = point), auto_unbox = TRUE, digits = NA), "\n")
