// Commands beyond check/summary/explain register themselves here (build, run).
export {};
