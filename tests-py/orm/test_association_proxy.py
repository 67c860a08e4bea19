"""association_proxy over list relationships and scalar relationships:
reading (with lazy loads), appending/removing through the proxy, creators,
assignment, and the class-level EXISTS criteria."""

from typing import Optional

import pytest
from cormorant import ForeignKey, String, select
from cormorant.exc import ArgumentError, InvalidRequestError
from cormorant.ext.associationproxy import (
    AssociationProxy,
    AssociationProxyExtensionType,
    ColumnAssociationProxyInstance,
    ObjectAssociationProxyInstance,
    association_proxy,
)
from cormorant.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "ap_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    user_keywords: Mapped[list["UserKeyword"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserKeyword.id"
    )
    keywords: AssociationProxy[list["Keyword"]] = association_proxy(
        "user_keywords", "keyword", creator=lambda kw: UserKeyword(keyword=kw)
    )
    words: AssociationProxy[list[str]] = association_proxy(
        "user_keywords", "note", creator=lambda note: UserKeyword(note=note, keyword=Keyword(word=note))
    )
    profile: Mapped[Optional["Profile"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    bio: AssociationProxy[Optional[str]] = association_proxy(
        "profile", "bio", creator=lambda b: Profile(bio=b)
    )


class Keyword(Base):
    __tablename__ = "ap_keyword"
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(30))


class UserKeyword(Base):
    __tablename__ = "ap_user_keyword"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ap_user.id"))
    keyword_id: Mapped[int] = mapped_column(ForeignKey("ap_keyword.id"))
    note: Mapped[Optional[str]] = mapped_column(String(30))
    user: Mapped["User"] = relationship(back_populates="user_keywords")
    keyword: Mapped["Keyword"] = relationship()
    word: AssociationProxy[str] = association_proxy("keyword", "word")


class Profile(Base):
    __tablename__ = "ap_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ap_user.id"))
    bio: Mapped[Optional[str]] = mapped_column(String(100))
    user: Mapped["User"] = relationship(back_populates="profile")


class Plain(Base):
    __tablename__ = "ap_plain"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_keywords: Mapped[list["PlainItem"]] = relationship()
    items: AssociationProxy[list[str]] = association_proxy("user_keywords", "label")


class PlainItem(Base):
    __tablename__ = "ap_plain_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    plain_id: Mapped[int] = mapped_column(ForeignKey("ap_plain.id"))
    label: Mapped[str] = mapped_column(String(10))


@pytest.fixture
def session(engine):
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def _ann(session):
    ann = User(name="ann")
    ann.words.append("alpha")
    ann.words.extend(["beta", "gamma"])
    ann.bio = "hello"
    bob = User(name="bob")
    bob.words.append("beta")
    session.add_all([ann, bob])
    session.commit()
    return ann


def test_append_creates_the_intermediate_objects(session):
    ann = _ann(session)
    assert [uk.note for uk in ann.user_keywords] == ["alpha", "beta", "gamma"]
    assert ann.words == ["alpha", "beta", "gamma"] and len(ann.words) == 3 and "beta" in ann.words
    assert repr(ann.words) == "['alpha', 'beta', 'gamma']"
    assert ann.profile is not None and ann.profile.bio == "hello" and ann.bio == "hello"
    assert session.scalars(select(UserKeyword.note).order_by(UserKeyword.id)).all() == [
        "alpha",
        "beta",
        "gamma",
        "beta",
    ]


def test_reading_lazy_loads_the_collection(engine, session):
    ann_id = _ann(session).id
    with Session(engine) as fresh:
        ann = fresh.get(User, ann_id)
        assert "user_keywords" not in ann.__dict__
        assert list(ann.words) == ["alpha", "beta", "gamma"]
        assert [k.word for k in ann.keywords] == ["alpha", "beta", "gamma"]
        assert ann.user_keywords[0].word == "alpha"  # a scalar proxy over a many-to-one


def test_remove_and_assign_through_the_proxy(engine, session):
    ann = _ann(session)
    ann.words.remove("beta")
    del ann.words[0]
    session.commit()
    assert session.scalars(select(UserKeyword.note).where(UserKeyword.user_id == ann.id)).all() == ["gamma"]
    ann.words = ["x", "y"]
    ann.words[0] = "z"
    session.commit()
    with Session(engine) as fresh:
        assert fresh.get(User, ann.id).words == ["z", "y"]
    with pytest.raises(ValueError):
        ann.words.remove("nope")


def test_scalar_proxy_set_and_clear(session):
    ann = _ann(session)
    ann.bio = "changed"
    assert ann.profile.bio == "changed"
    carl = User(name="carl")
    assert carl.bio is None
    carl.bio = None  # nothing to create
    assert carl.profile is None
    session.add(carl)
    session.commit()
    assert session.scalars(select(Profile.bio).order_by(Profile.id)).all() == ["changed"]


def test_collection_criteria(session):
    _ann(session)
    by_word = select(User.name).where(User.words == "beta").order_by(User.name)
    assert session.scalars(by_word).all() == ["ann", "bob"]
    assert "EXISTS" in str(by_word)
    assert session.scalars(select(User.name).where(User.words.any(UserKeyword.note == "gamma"))).all() == [
        "ann"
    ]
    assert session.scalars(select(User.name).where(User.words.contains("lph"))).all() == ["ann"]
    assert session.scalars(select(User.name).where(~User.words.any())).all() == []
    beta = session.scalars(select(Keyword).where(Keyword.word == "beta")).first()
    assert session.scalars(select(User.name).where(User.keywords.contains(beta))).all() == ["ann"]
    assert session.scalars(select(User.name).where(User.keywords.any(Keyword.word == "gamma"))).all() == [
        "ann"
    ]
    with pytest.raises(InvalidRequestError, match="'has\\(\\)' not implemented for collections"):
        User.words.has()
    with pytest.raises(ArgumentError, match="keyword arguments"):
        User.words.any(note="x")


def test_scalar_criteria(session):
    _ann(session)
    assert session.scalars(select(User.name).where(User.bio == "hello")).all() == ["ann"]
    assert session.scalars(select(User.name).where(User.bio == None)).all() == ["bob"]  # noqa: E711
    assert session.scalars(select(User.name).where(User.bio.has())).all() == ["ann"]
    words = select(UserKeyword.note).where(UserKeyword.word == "gamma")
    assert session.scalars(words).all() == ["gamma"]
    with pytest.raises(InvalidRequestError, match="'any\\(\\)' not implemented for scalar attributes"):
        User.bio.any()


def test_class_level_objects_and_default_creator(session):
    assert isinstance(User.words, ColumnAssociationProxyInstance)
    assert isinstance(User.keywords, ObjectAssociationProxyInstance)
    assert User.words.scalar is False and User.bio.scalar is True
    assert User.words.target_class is UserKeyword and User.words.value_attr == "note"
    assert User.words.collection_class is list
    assert User.__dict__["words"].extension_type is AssociationProxyExtensionType.ASSOCIATION_PROXY
    assert repr(User.words) == "ColumnAssociationProxyInstance(AssociationProxy('user_keywords', 'note'))"
    with pytest.raises(TypeError):  # the default creator calls PlainItem("a"), as SQLAlchemy's does
        Plain().items.append("a")


def test_unknown_arguments_are_refused():
    with pytest.raises(TypeError, match="bogus"):
        association_proxy("a", "b", bogus=1)


class Tagged(Base):
    __tablename__ = "ap_tagged"
    id: Mapped[int] = mapped_column(primary_key=True)
    entries: Mapped[list["TagEntry"]] = relationship()
    upper: AssociationProxy[list[str]] = association_proxy(
        "entries",
        "label",
        creator=lambda v: TagEntry(label=v.lower()),
        getset_factory=lambda collection_class, proxy: (
            lambda entry: entry.label.upper(),
            lambda entry, value: setattr(entry, "label", value.lower()),
        ),
        proxy_bulk_set=lambda proxy, values: proxy.extend(sorted(values)),
    )
    counted: AssociationProxy[int] = association_proxy(
        "entries", "label", proxy_factory=lambda lazy, creator, attr, proxy: len(lazy())
    )


class TagEntry(Base):
    __tablename__ = "ap_tag_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    tagged_id: Mapped[int] = mapped_column(ForeignKey("ap_tagged.id"))
    label: Mapped[str] = mapped_column(String(10))


def test_factories(session):
    t = Tagged()
    t.upper.append("Ab")
    t.upper[0] = "CD"
    assert [e.label for e in t.entries] == ["cd"] and t.upper == ["CD"]
    t.upper = ["Z", "Y"]  # proxy_bulk_set decides: no clear, sorted
    assert t.upper == ["CD", "Y", "Z"] and t.counted == 3
    session.add(t)
    session.commit()
    assert session.scalars(select(TagEntry.label).order_by(TagEntry.id)).all() == ["cd", "y", "z"]


def test_set_and_dict_proxies_follow_their_collection():
    from cormorant.ext.associationproxy import _AssociationDict, _AssociationSet, _LazyCollection

    class Holder:
        def __init__(self):
            self.members = set()
            self.by_key = {}

    class Entry:
        def __init__(self, value, key=None):
            self.value, self.key = value, key

    holder = Holder()
    getter = lambda e: e.value  # noqa: E731
    setter = lambda e, v: setattr(e, "value", v)  # noqa: E731
    as_set = _AssociationSet(_LazyCollection(holder, "members"), Entry, getter, setter, None)
    as_set.add("a")
    as_set |= {"b", "a"}
    assert as_set == {"a", "b"} and len(holder.members) == 2
    as_set.discard("a")
    assert {e.value for e in holder.members} == {"b"}
    as_dict = _AssociationDict(
        _LazyCollection(holder, "by_key"), lambda k, v: Entry(v, k), getter, setter, None
    )
    as_dict["x"] = 1
    as_dict["x"] = 2
    as_dict.update({"y": 3})
    assert as_dict == {"x": 2, "y": 3} and holder.by_key["x"].key == "x"
    del as_dict["x"]
    assert list(as_dict) == ["y"]


def test_constructor_sets_through_the_proxy(session):
    user = User(name="dee", words=["one", "two"], bio="hi")
    assert [uk.note for uk in user.user_keywords] == ["one", "two"] and user.profile.bio == "hi"
    session.add(user)
    session.commit()
    assert session.scalars(select(User.name).where(User.words == "two")).all() == ["dee"]
