// Commands beyond check/summary/explain register themselves when imported.
import './run-command.ts';
import './build-command.ts';
