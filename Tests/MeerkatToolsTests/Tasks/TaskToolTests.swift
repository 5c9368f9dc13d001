import Foundation
import MeerkatCore
import Testing

@testable import MeerkatTools

@Suite struct TaskToolTests {
    private func roundTrip(_ store: any TaskStore) async throws {
        let context = testContext()
        let created = try await callJSON(
            TaskCreateTool(store: store),
            ["subject": "Write docs", "priority": "high", "labels": ["docs"]], context: context)
        #expect(created["id"] == "1")
        #expect(created["status"] == "pending")
        #expect(created["priority"] == "high")
        #expect(created["labels"] == ["docs"])
        #expect(created["description"] == "")
        _ = try await callJSON(
            TaskCreateTool(store: store), ["subject": "Fix bug", "labels": ["bug"]], context: context)

        let updated = try await callJSON(
            TaskUpdateTool(store: store), ["id": "1", "status": "in_progress", "description": "tools.md"],
            context: context)
        #expect(updated["status"] == "in_progress")
        #expect(updated["description"] == "tools.md")
        #expect(updated["subject"] == "Write docs")

        let fetched = try await callJSON(TaskGetTool(store: store), ["id": "1"], context: context)
        #expect(fetched == updated)

        let all = try await callJSON(TaskListTool(store: store), [:], context: context)
        #expect(all["count"] == 2)
        let inProgress = try await callJSON(TaskListTool(store: store), ["status": "in_progress"], context: context)
        #expect(inProgress["tasks"]?.arrayValue?.map { $0["id"] } == ["1"])
        let bugs = try await callJSON(TaskListTool(store: store), ["label": "bug"], context: context)
        #expect(bugs["tasks"]?.arrayValue?.map { $0["id"] } == ["2"])

        let otherSession = try await callJSON(TaskListTool(store: store), [:], context: testContext())
        #expect(otherSession["count"] == 0)
    }

    @Test func inMemoryRoundTrip() async throws {
        try await roundTrip(InMemoryTaskStore())
    }

    @Test func jsonFileRoundTripAndPersistence() async throws {
        let project = try TempProject()
        let directory = URL(fileURLWithPath: project.path + "/.skat/tasks")
        try await roundTrip(JSONFileTaskStore(directory: directory))

        let session = SessionID()
        let first = JSONFileTaskStore(directory: directory)
        _ = try await first.create(TaskDraft(subject: "persist me"), in: session)
        let reopened = JSONFileTaskStore(directory: directory)
        let tasks = try await reopened.tasks(in: session)
        #expect(tasks.map(\.subject) == ["persist me"])
        let next = try await reopened.create(TaskDraft(subject: "second"), in: session)
        #expect(next.id == "2")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/\(session).json"))
    }

    @Test func rejectsBadInput() async throws {
        let store = InMemoryTaskStore()
        let create = await callError(TaskCreateTool(store: store), ["subject": "x", "status": "done"])
        #expect(create?.description.contains("'status' must be one of 'pending', 'in_progress', 'completed'") == true)
        #expect(await callError(TaskCreateTool(store: store), ["subject": "  "])?.isInvalidArguments == true)
        #expect(await callError(TaskGetTool(store: store), ["id": "9"]) == .executionFailed("no task with id '9'"))
        #expect(
            await callError(TaskUpdateTool(store: store), ["id": "9", "status": "completed"])
                == .executionFailed("no task with id '9'"))
        #expect(await callError(TaskUpdateTool(store: store), ["id": "1"])?.isInvalidArguments == true)
    }
}
