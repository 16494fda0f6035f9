package dev.brigade.core.entity;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/**
 * A row of task_group, for the api-server (Hibernate Reactive Panache). Only plain reads and
 * writes go through it; the per-state counts of a group are SQL (TaskGroupSql).
 */
@Entity
@Table(name = "task_group")
public class TaskGroupEntity extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(nullable = false)
    public String description = "";

    @Column(name = "all_tasks_dispatched", nullable = false)
    public boolean allTasksDispatched;
}
