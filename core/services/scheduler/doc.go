// Package scheduler starts the runs of time-based initiators: cron
// (robfig/cron/v3 schedules with an optional seconds field and CRON_TZ) and
// runat (once, at a time).
//
// At Start the Scheduler loads every active job with a cron or runat
// initiator; the API adds jobs created later with AddJob and removes
// archived ones with RemoveJob. A cron initiator starts a run at every
// tick of its schedule. A runat initiator starts one run at its time; one
// whose time passed while the node was down starts once at the next start.
// It never runs twice: the saved run of the initiator is the record that it
// ran (store.HasRunForInitiator), checked before each start. The job's
// archive state and startAt/endAt are enforced by the run lifecycle, which
// the Scheduler calls (RunCreator).
//
// Concurrency: cron ticks run on robfig/cron's goroutines and runat timers
// on their own; Close stops both and waits for runs being created.
package scheduler
