"""Every model module, imported in one place so the metadata (and Alembic) sees them all."""

from lms.accounts.models import AccountLink, Organisation, User, UserRole  # noqa: F401
from lms.api.models import ApiToken  # noqa: F401
from lms.attendance.models import (  # noqa: F401
    Apology,
    AttendanceChange,
    AttendanceRecord,
    SeminarSession,
)
from lms.audit import AuditEvent  # noqa: F401
from lms.certificates.models import Certificate, CompletionRule  # noqa: F401
from lms.cohorts.models import (  # noqa: F401
    Cohort,
    CohortImport,
    CohortMember,
    CohortModule,
    CohortQuiz,
    CohortTrainer,
)
from lms.content.models import (  # noqa: F401
    Attachment,
    Lesson,
    LessonProgress,
    LessonTranslation,
    Module,
    ModuleTranslation,
    ModuleVersion,
)
from lms.plans.models import (  # noqa: F401
    FollowUp,
    Milestone,
    MilestoneReport,
    Plan,
    PlanAuthor,
    PlanComment,
    PlanModuleLink,
    PlanSection,
    PlanVersion,
)
from lms.quizzes.models import (  # noqa: F401
    Attempt,
    AttemptItem,
    Question,
    QuestionCategory,
    QuestionChoice,
    QuestionVersion,
    Quiz,
    QuizSlot,
)
from lms.reports.models import (  # noqa: F401
    AttendanceMonth,
    ModuleProgress,
    PrePostResult,
    QuizMonth,
    StaleCohort,
    StalePerson,
)
from lms.surveys.models import (  # noqa: F401
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
    SurveyTemplate,
)
