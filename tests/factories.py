import factory
from django.utils import timezone

from funds.models import Fund
from organizations.choices import Country, Grade, Language, Role
from organizations.models import Organization, StaffRole, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Cooperativa de Pequeños Productores {n}")
    short_name = factory.Sequence(lambda n: f"COOP{n}")
    country = Country.HN
    fairtrade_id = factory.Sequence(lambda n: f"FT-{n:06d}")
    grade = Grade.FIRST
    preferred_language = Language.ES
    contact_emails = factory.LazyAttribute(lambda o: [f"{o.short_name.lower()}@coop.example"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@fondos.example")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")
    language = Language.ES

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class OppUserFactory(UserFactory):
    organization = factory.SubFactory(OrganizationFactory)


def fund(code: str) -> Fund:
    return Fund.objects.get(code=code)


def grant_role(user, role: Role, fund_code: str | None = None) -> StaffRole:
    return StaffRole.objects.create(
        user=user, role=role, fund=fund(fund_code) if fund_code else None,
        granted_at=timezone.now(),
    )


def staff_user(role: Role, fund_code: str | None = None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    grant_role(user, role, fund_code)
    return user
