"""Background work on RQ: queues and periodic jobs are declared here once, as data.

Jobs take ids, load what they need, and never import views. Enqueue only through
`jobs.enqueue`, so that there is one door to the queues.
"""

QUEUES = ("sync", "default")
