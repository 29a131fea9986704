"""Plan execution: run a validated plan and record every step."""

from autoviz_core.runtime.executor import (
    ExecutionResult,
    StepRecord,
    StepTimeoutError,
    execute_plan,
    run_step,
)

__all__ = ["ExecutionResult", "StepRecord", "StepTimeoutError", "execute_plan", "run_step"]
