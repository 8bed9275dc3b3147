// Package services runs the node: the Application wires the long-running
// services (head tracker, log subscriber, scheduler, job runner, tx
// manager), starts them in dependency order and stops them in reverse;
// around it sit the run lifecycle (NewRun, ExecuteJob, ExecuteJobsFromLogs,
// ResumePendingTask, ResumeConfirmingTasks, ResumeConnectingTask,
// QueueSleepingTask) and the
// validation of what operators create (ValidateJob, ValidateInitiator,
// ValidateBridgeType).
//
// Each service takes only the small interfaces it uses, not one store
// object. A run's state is saved before its next step starts, so a restart
// resumes every unfinished run where it stopped; the runs of a burst of
// request logs are saved together, in one transaction, before any is
// queued. Validation does no I/O of
// its own: lookups of bridges and keys come in through Validator, and every
// problem of a spec is returned at once as a *models.ValidationError.
package services
