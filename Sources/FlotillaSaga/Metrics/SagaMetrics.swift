import FlotillaResilience
import Metrics
import Synchronization

/// The swift-metrics handles of one saga definition, created once:
///
/// - `flotilla_sagas_total{saga,outcome}` counter, outcome `completed` or `compensated`;
/// - `flotilla_saga_step_duration_seconds{saga,step,phase}` timer per attempt, phase `action` or `compensation`;
/// - `flotilla_sagas_in_flight{saga}` gauge: sagas this process is running now;
/// - `flotilla_saga_compensation_retries_total{saga,step}` counter: failed compensation attempts (each is retried).
final class SagaMetrics: Sendable {
    static let sagasLabel = "flotilla_sagas_total"
    static let stepDurationLabel = "flotilla_saga_step_duration_seconds"
    static let inFlightLabel = "flotilla_sagas_in_flight"
    static let compensationRetriesLabel = "flotilla_saga_compensation_retries_total"

    private struct StepHandles: Sendable {
        let action: Metrics.Timer
        let compensation: Metrics.Timer
        let compensationRetries: Counter
    }

    private let completed: Counter
    private let compensated: Counter
    private let inFlight: Gauge
    private let inFlightCount = Mutex(0)
    private let steps: [String: StepHandles]

    init(saga: String, stepNames: [String], factory: any MetricsFactory) {
        func outcome(_ status: SagaStatus) -> Counter {
            Counter(label: SagaMetrics.sagasLabel, dimensions: [("saga", saga), ("outcome", status.rawValue)], factory: factory)
        }
        completed = outcome(.completed)
        compensated = outcome(.compensated)
        inFlight = Gauge(label: SagaMetrics.inFlightLabel, dimensions: [("saga", saga)], factory: factory)
        inFlight.record(0)
        var steps: [String: StepHandles] = [:]
        for step in stepNames {
            func timer(_ phase: SagaStepContext.Phase) -> Metrics.Timer {
                Metrics.Timer(
                    label: SagaMetrics.stepDurationLabel,
                    dimensions: [("saga", saga), ("step", step), ("phase", phase.rawValue)],
                    preferredDisplayUnit: .seconds,
                    factory: factory
                )
            }
            steps[step] = StepHandles(
                action: timer(.action),
                compensation: timer(.compensation),
                compensationRetries: Counter(
                    label: SagaMetrics.compensationRetriesLabel,
                    dimensions: [("saga", saga), ("step", step)],
                    factory: factory
                )
            )
        }
        self.steps = steps
    }

    func sagaEnded(_ status: SagaStatus) {
        switch status {
        case .completed: completed.increment()
        case .compensated: compensated.increment()
        case .running, .compensating: break
        }
    }

    func attempt(step: String, phase: SagaStepContext.Phase, took duration: Duration) {
        guard let handles = steps[step] else { return }
        let timer = phase == .action ? handles.action : handles.compensation
        timer.recordNanoseconds(duration.nanosecondsClamped)
    }

    func compensationRetried(step: String) {
        steps[step]?.compensationRetries.increment()
    }

    func sagaBegan() {
        inFlight.record(
            inFlightCount.withLock { count in
                count += 1
                return count
            }
        )
    }

    func sagaLeft() {
        inFlight.record(
            inFlightCount.withLock { count in
                count -= 1
                return count
            }
        )
    }
}
